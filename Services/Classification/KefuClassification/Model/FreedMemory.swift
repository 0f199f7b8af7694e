#if canImport(Glibc)
import CMalloc
#endif

/// glibc keeps freed heap pages for the next allocation; a model's tens of megabytes of weights,
/// and training's larger scratch, would then stay resident after the model is gone. Asking for
/// them back after a swap or a training run keeps the process's size the size of the model in use
/// (docs/benchmarks.md, "Memory across model swaps").
enum FreedMemory {
    static func giveBack() {
        #if canImport(Glibc)
        malloc_trim(0)
        #endif
    }
}
