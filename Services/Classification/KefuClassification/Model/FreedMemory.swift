#if canImport(Glibc)
import CMalloc
#endif

/// How classification's memory goes back to the system (docs/benchmarks.md, "Memory across model
/// swaps"). Loading a model passes tens of megabytes through several buffers, and training many
/// times that. By default glibc raises its mapping threshold after the first large block is freed
/// (up to 32 MB), so later blocks come from the heaps; and it keeps up to 64 MB free at the top of
/// each thread's heap, where `malloc_trim` does not reach. The process then grew with every swap.
enum FreedMemory {
    /// Fixed thresholds: a block of a megabyte or more is mapped on its own and unmapped when
    /// freed, and a heap keeps at most 8 MB free at its top.
    static func mapLargeBlocks() {
        #if canImport(Glibc)
        _ = mallopt(M_MMAP_THRESHOLD, 1 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 8 << 20)
        #endif
    }

    /// Gives back the free pages inside the heaps, after a swap or a training run.
    static func giveBack() {
        #if canImport(Glibc)
        malloc_trim(0)
        #endif
    }
}
