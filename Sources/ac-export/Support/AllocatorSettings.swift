import CMalloc

/// glibc's allocator, set for a long batch job before any work starts (docs/performance.md#memory).
enum AllocatorSettings {
    /// Buffers from 256 KiB up (data pages, dictionaries, a page's shredded values) get their own mappings and go back
    /// to the system when freed. glibc otherwise raises this threshold each time such a buffer is freed, after which
    /// they come from the heap, whose holes stay resident.
    static let mappedBufferThreshold: Int32 = 256 << 10
    /// The main heap and one more for every other thread (the encoding stage, the compression threads): glibc's
    /// default, eight per core, leaves each thread's freed memory resident in its own heap.
    static let heaps: Int32 = 2

    static func apply() {
        _ = mallopt(M_MMAP_THRESHOLD, mappedBufferThreshold)
        _ = mallopt(M_ARENA_MAX, heaps)
    }

    /// Hands the heaps' free pages back to the system (`malloc_trim`, which also releases whole free pages in the
    /// middle of a heap): after the exporter lets go of many buffers below the mapping threshold at once, their holes
    /// would otherwise stay resident for the rest of the run.
    @Sendable static func returnFreedMemory() {
        _ = malloc_trim(0)
    }
}
