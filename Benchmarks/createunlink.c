/* createunlink DIR N: N times, creates DIR/nI (O_CREAT|O_EXCL), closes it and
 * unlinks it; prints the mean microseconds per pair. Each name is new, so no
 * layer can answer from a cached entry of the same name. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: createunlink DIR N\n"); return 2; }
    long n = atol(argv[2]);
    char path[4096];
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/n%ld", argv[1], i);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) { perror(path); return 1; }
        if (close(fd) != 0) { perror("close"); return 1; }
        if (unlink(path) != 0) { perror(path); return 1; }
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double us = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 1e3;
    printf("%.3f\n", us / (double)n);
    return 0;
}
