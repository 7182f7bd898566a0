"""Runs a command in a pseudo-terminal of a given size and renders what it wrote with pyte, a terminal emulator.

Usage: pty_run.py COLUMNS ROWS INTERRUPT_AFTER -- COMMAND...
INTERRUPT_AFTER: seconds after the first progress frame ("endpoints done") to send SIGINT; 0 never.
Prints one JSON object: exit (the command's exit code), raw (everything written, with escapes), and
lines (the scrollback and the screen after the command ended, as a person would see them, trailing spaces cut).
"""
import fcntl, json, os, pty, select, signal, struct, sys, termios, time

import pyte

columns, rows, interrupt_after = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
command = sys.argv[sys.argv.index("--") + 1:]

pid, fd = pty.fork()
if pid == 0:
    # The child's terminal gets its size before the command starts.
    fcntl.ioctl(sys.stdin.fileno(), termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    os.execvp(command[0], command)

raw = b""
first_frame = None
interrupted = False
deadline = time.time() + 300
while time.time() < deadline:
    if first_frame is None and b"endpoints done" in raw:
        first_frame = time.time()
    if interrupt_after > 0 and not interrupted and first_frame is not None and time.time() - first_frame >= interrupt_after:
        os.kill(pid, signal.SIGINT)
        interrupted = True
    ready, _, _ = select.select([fd], [], [], 0.05)
    if ready:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        raw += chunk
else:
    os.kill(pid, signal.SIGKILL)
_, status = os.waitpid(pid, 0)

screen = pyte.HistoryScreen(columns, rows, history=100000)
stream = pyte.ByteStream(screen)
stream.feed(raw)

def text(line):
    return "".join(line[x].data for x in range(columns)).rstrip()

lines = [text(line) for line in screen.history.top] + [line.rstrip() for line in screen.display]
while lines and not lines[-1]:
    lines.pop()
print(json.dumps({"exit": os.waitstatus_to_exitcode(status), "interrupted": interrupted,
                  "raw": raw.decode("utf-8", "replace"), "lines": lines}))
