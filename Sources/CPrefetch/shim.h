// Software prefetch (__builtin_prefetch), which Swift has no spelling for. Static inline: the
// Swift compiler inlines it into the calling loop as one prefetch instruction.
static inline void splat_prefetch_for_write(const void *address) {
    __builtin_prefetch(address, 1, 3);
}
