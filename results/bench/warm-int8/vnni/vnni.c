// Peak int8 multiply-accumulate rate this CPU can be shown to do: independent chains of VPDPBUSD
// (u8 x s8 -> s32, 4 products per 32-bit lane), one thread per core, like the bench's FMA loop for float.
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdint.h>
#include <time.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
int main(int argc, char **argv) {
    const long iters = 200000000L / 12;
    int threads = omp_get_max_threads();
    for (int width = 512; width >= 256; width -= 256) {
        double best = 0;
        for (int round = 0; round < 5; round++) {
            volatile int sink = 0;
            double t0 = now();
            #pragma omp parallel
            {
                if (width == 512) {
                    __m512i a = _mm512_set1_epi8(3), b = _mm512_set1_epi8(-2);
                    __m512i c0 = _mm512_set1_epi32(0), c1 = _mm512_set1_epi32(1), c2 = _mm512_set1_epi32(2), c3 = _mm512_set1_epi32(3), c4 = _mm512_set1_epi32(4), c5 = _mm512_set1_epi32(5), c6 = _mm512_set1_epi32(6), c7 = _mm512_set1_epi32(7), c8 = _mm512_set1_epi32(8), c9 = _mm512_set1_epi32(9), c10 = _mm512_set1_epi32(10), c11 = _mm512_set1_epi32(11);
                    for (long i = 0; i < iters; i++) {
                        c0 = _mm512_dpbusd_epi32(c0, a, b); c1 = _mm512_dpbusd_epi32(c1, a, b); c2 = _mm512_dpbusd_epi32(c2, a, b);
                        c3 = _mm512_dpbusd_epi32(c3, a, b); c4 = _mm512_dpbusd_epi32(c4, a, b); c5 = _mm512_dpbusd_epi32(c5, a, b);
                        c6 = _mm512_dpbusd_epi32(c6, a, b); c7 = _mm512_dpbusd_epi32(c7, a, b); c8 = _mm512_dpbusd_epi32(c8, a, b);
                        c9 = _mm512_dpbusd_epi32(c9, a, b); c10 = _mm512_dpbusd_epi32(c10, a, b); c11 = _mm512_dpbusd_epi32(c11, a, b);
                    }
                    __m512i s = _mm512_add_epi32(_mm512_add_epi32(_mm512_add_epi32(c0, c1), _mm512_add_epi32(c2, c3)), _mm512_add_epi32(_mm512_add_epi32(c4, c5), _mm512_add_epi32(c6, c7)));
                    s = _mm512_add_epi32(s, _mm512_add_epi32(_mm512_add_epi32(c8, c9), _mm512_add_epi32(c10, c11)));
                    sink += _mm512_reduce_add_epi32(s);
                } else {
                    __m256i a = _mm256_set1_epi8(3), b = _mm256_set1_epi8(-2);
                    __m256i c0 = _mm256_set1_epi32(0), c1 = _mm256_set1_epi32(1), c2 = _mm256_set1_epi32(2), c3 = _mm256_set1_epi32(3), c4 = _mm256_set1_epi32(4), c5 = _mm256_set1_epi32(5), c6 = _mm256_set1_epi32(6), c7 = _mm256_set1_epi32(7), c8 = _mm256_set1_epi32(8), c9 = _mm256_set1_epi32(9), c10 = _mm256_set1_epi32(10), c11 = _mm256_set1_epi32(11);
                    for (long i = 0; i < iters; i++) {
                        c0 = _mm256_dpbusd_epi32(c0, a, b); c1 = _mm256_dpbusd_epi32(c1, a, b); c2 = _mm256_dpbusd_epi32(c2, a, b);
                        c3 = _mm256_dpbusd_epi32(c3, a, b); c4 = _mm256_dpbusd_epi32(c4, a, b); c5 = _mm256_dpbusd_epi32(c5, a, b);
                        c6 = _mm256_dpbusd_epi32(c6, a, b); c7 = _mm256_dpbusd_epi32(c7, a, b); c8 = _mm256_dpbusd_epi32(c8, a, b);
                        c9 = _mm256_dpbusd_epi32(c9, a, b); c10 = _mm256_dpbusd_epi32(c10, a, b); c11 = _mm256_dpbusd_epi32(c11, a, b);
                    }
                    __m256i s = _mm256_add_epi32(_mm256_add_epi32(_mm256_add_epi32(c0, c1), _mm256_add_epi32(c2, c3)), _mm256_add_epi32(_mm256_add_epi32(c4, c5), _mm256_add_epi32(c6, c7)));
                    s = _mm256_add_epi32(s, _mm256_add_epi32(_mm256_add_epi32(c8, c9), _mm256_add_epi32(c10, c11)));
                    int32_t v[8]; _mm256_storeu_si256((__m256i *)v, s); sink += v[0];
                }
            }
            double seconds = now() - t0;
            double macs = (double)iters * 12 * (width / 8) * threads;
            if (macs / seconds > best) best = macs / seconds;
        }
        printf("VPDPBUSD %d-bit, %d threads: %.0f G int8 multiply-adds/s (best of 5)\n", width, threads, best / 1e9);
    }
    return 0;
}
