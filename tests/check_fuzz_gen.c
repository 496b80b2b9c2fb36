// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fuzzer's generator: every sequence is a case the parser accepts, the
 * same (seed, index) is the same text, and over a few thousand sequences every
 * kind of step it is meant to make turns up: the ioctls, and the lifetimes,
 * credentials and vendor DMA changed between them. A kind that silently
 * stopped being generated would leave the kernel fuzzing blind to it.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lang/case.h"
#include "fuzz/fuzz.h"

#define ALL_TOPOS ((1u << VF_TOPO_COUNT) - 1)
#define SEQUENCES 4000

static const char *const kinds[] = {
	"IOMMU_MAP_DMA", "IOMMU_UNMAP_DMA", "MAPPED", "IOMMU_GET_INFO", "IOMMU_DIRTY_PAGES",
	"GROUP_SET_CONTAINER", "GROUP_UNSET_CONTAINER", "GROUP_GET_STATUS",
	"GROUP_GET_DEVICE_FD", "SET_IOMMU", "CHECK_EXTENSION", "GET_API_VERSION",
	"IOMMU_VFIO_IOAS", "SET_CREDS", "CLOSE", "OPEN_GROUP", "MDEV_DMA",
};
#define N_KINDS (sizeof(kinds) / sizeof(kinds[0]))

static char *text_of(uint64_t seed, uint64_t index)
{
	struct fz_seq *q = malloc(sizeof(*q));
	char *t;

	ck_assert_ptr_nonnull(q);
	fz_generate(q, seed, index, 12, ALL_TOPOS);
	t = fz_text(q, "fuzz.t", "generated", "");
	free(q);
	ck_assert_ptr_nonnull(t);
	return t;
}

START_TEST(every_kind_parses_and_appears)
{
	unsigned seen[N_KINDS] = { 0 };

	for (uint64_t i = 0; i < SEQUENCES; i++) {
		char err[600] = "", *t = text_of(1, i), *line, *save = NULL;
		struct vf_case *c = vf_case_parse_string("gen.case", t, err, sizeof(err));
		bool mdev_topo = strstr(t, "\ntopo    mdev\n");

		ck_assert_msg(c != NULL, "sequence %llu does not parse: %s\n%s",
			      (unsigned long long)i, err, t);
		vf_case_free(c);
		for (line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			size_t n = strcspn(line, " ");

			for (unsigned k = 0; k < N_KINDS; k++)
				if (strlen(kinds[k]) == n && !strncmp(line, kinds[k], n))
					seen[k]++;
			/* the mtty's DMA only where the mtty is */
			if (!strncmp(line, "MDEV_DMA ", 9))
				ck_assert_msg(mdev_topo, "MDEV_DMA outside an mdev topology");
		}
		free(t);
	}
	for (unsigned k = 0; k < N_KINDS; k++)
		ck_assert_msg(seen[k] > 0, "%s never generated in %u sequences", kinds[k],
			      SEQUENCES);
}
END_TEST

START_TEST(reproducible)
{
	char *a = text_of(20261121, 878774), *b = text_of(20261121, 878774);
	char *c = text_of(20261121, 878775);

	ck_assert_str_eq(a, b);
	ck_assert_str_ne(a, c);
	free(a);
	free(b);
	free(c);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("fuzz_gen");
	TCase *tc = tcase_create("gen");

	tcase_add_test(tc, every_kind_parses_and_appears);
	tcase_add_test(tc, reproducible);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
