/*
 * jpegfloor times libjpeg(-turbo) on a JPEG, on one core, CPU time, best
 * of N runs from memory:
 *   coefficients  jpeg_read_coefficients: entropy decoding of every block
 *                 and nothing else (no inverse DCT, no output);
 *   gray-1/8      grayscale output at 1/8 scale (DC-only inverse DCT);
 *   gray-1/1      grayscale output at full scale.
 * It bounds what any baseline-JPEG decoder must spend before a PDQ hash
 * can start: every coefficient has to be entropy-decoded to find the next
 * block. Used by bench/pdq/floor.sh; not part of vibora.
 *
 *   cc -O2 -o jpegfloor jpegfloor.c -ljpeg && ./jpegfloor FILE [N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <jpeglib.h>

static double cpu_seconds(void) {
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void open_mem(struct jpeg_decompress_struct *c, struct jpeg_error_mgr *e, unsigned char *buf, unsigned long n) {
	c->err = jpeg_std_error(e);
	jpeg_create_decompress(c);
	jpeg_mem_src(c, buf, n);
	jpeg_read_header(c, TRUE);
}

static void coefficients(unsigned char *buf, unsigned long n) {
	struct jpeg_decompress_struct c;
	struct jpeg_error_mgr e;
	open_mem(&c, &e, buf, n);
	jpeg_read_coefficients(&c);
	jpeg_finish_decompress(&c);
	jpeg_destroy_decompress(&c);
}

static void gray(unsigned char *buf, unsigned long n, unsigned denom) {
	struct jpeg_decompress_struct c;
	struct jpeg_error_mgr e;
	open_mem(&c, &e, buf, n);
	c.scale_num = 1;
	c.scale_denom = denom;
	c.out_color_space = JCS_GRAYSCALE;
	c.dct_method = JDCT_ISLOW;
	jpeg_start_decompress(&c);
	JSAMPLE *row = malloc(c.output_width);
	JSAMPROW rows[1] = {row};
	while (c.output_scanline < c.output_height)
		jpeg_read_scanlines(&c, rows, 1);
	jpeg_finish_decompress(&c);
	jpeg_destroy_decompress(&c);
	free(row);
}

int main(int argc, char **argv) {
	if (argc < 2) {
		fprintf(stderr, "usage: jpegfloor FILE [N]\n");
		return 2;
	}
	int runs = argc > 2 ? atoi(argv[2]) : 20;
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *buf = malloc(n);
	if (fread(buf, 1, n, f) != (size_t)n) {
		fprintf(stderr, "%s: short read\n", argv[1]);
		return 1;
	}
	fclose(f);
	double best[3] = {1e9, 1e9, 1e9};
	for (int r = 0; r < runs; r++) {
		double t = cpu_seconds();
		coefficients(buf, n);
		double t1 = cpu_seconds();
		gray(buf, n, 8);
		double t2 = cpu_seconds();
		gray(buf, n, 1);
		double t3 = cpu_seconds();
		if (t1 - t < best[0]) best[0] = t1 - t;
		if (t2 - t1 < best[1]) best[1] = t2 - t1;
		if (t3 - t2 < best[2]) best[2] = t3 - t2;
	}
	printf("coefficients_ms=%.2f gray8_ms=%.2f gray1_ms=%.2f\n", best[0] * 1e3, best[1] * 1e3, best[2] * 1e3);
	return 0;
}
