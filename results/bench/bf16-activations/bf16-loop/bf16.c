// Peak bfloat16 rate this CPU can be shown to do: independent chains of VDPBF16PS (pairs of bf16 products summed into
// fp32, 2 multiply-adds per 32-bit lane), one thread per core, like the bench's FMA loop for float32.
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <time.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
#define CHAIN(k) c##k = _mm512_dpbf16_ps(c##k, a, b)
int main(void) {
    const long iters = 200000000L / 12;
    int threads = omp_get_max_threads();
    double best = 0;
    for (int round = 0; round < 5; round++) {
        volatile float sink = 0;
        double t0 = now();
        #pragma omp parallel
        {
            __m512bh a = (__m512bh)_mm512_set1_epi16(0x3f80), b = (__m512bh)_mm512_set1_epi16(0x3f00);  /* 1.0, 0.5 */
            __m512 c0 = _mm512_set1_ps(0), c1 = _mm512_set1_ps(1), c2 = _mm512_set1_ps(2), c3 = _mm512_set1_ps(3), c4 = _mm512_set1_ps(4), c5 = _mm512_set1_ps(5),
                   c6 = _mm512_set1_ps(6), c7 = _mm512_set1_ps(7), c8 = _mm512_set1_ps(8), c9 = _mm512_set1_ps(9), c10 = _mm512_set1_ps(10), c11 = _mm512_set1_ps(11);
            for (long i = 0; i < iters; i++) { CHAIN(0); CHAIN(1); CHAIN(2); CHAIN(3); CHAIN(4); CHAIN(5); CHAIN(6); CHAIN(7); CHAIN(8); CHAIN(9); CHAIN(10); CHAIN(11); }
            __m512 s = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(c0, c1), _mm512_add_ps(c2, c3)), _mm512_add_ps(_mm512_add_ps(c4, c5), _mm512_add_ps(c6, c7)));
            s = _mm512_add_ps(s, _mm512_add_ps(_mm512_add_ps(c8, c9), _mm512_add_ps(c10, c11)));
            sink += _mm512_reduce_add_ps(s);
        }
        double seconds = now() - t0, flop = (double)iters * 12 * 32 * 2 * threads;  /* 32 bf16 products per instruction, 2 flop each */
        if (flop / seconds > best) best = flop / seconds;
    }
    printf("VDPBF16PS 512-bit, %d threads: %.0f GFLOP/s in bfloat16 (best of 5)\n", threads, best / 1e9);
    return 0;
}
