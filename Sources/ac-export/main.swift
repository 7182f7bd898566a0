print("ac-export")
