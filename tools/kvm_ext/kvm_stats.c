// SPDX-License-Identifier: GPL-2.0
/*
 * A small reader of KVM's binary statistics: read the header, then the id
 * string, the descriptors and the data where the header says they are
 * (pread, as the document suggests), and print name=value lines.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "kvm_stats.h"

struct stats {
	struct kvm_stats_header h;
	char *id;
	unsigned char *desc; /* num_desc x (struct kvm_stats_desc + name_size) */
	unsigned long long *data;
	size_t ndata;
};

static int pread_full(int fd, void *buf, size_t len, off_t off)
{
	ssize_t n = pread(fd, buf, len, off);

	if (n == (ssize_t)len)
		return 0;
	if (n >= 0)
		errno = EIO;
	return -1;
}

static const struct kvm_stats_desc *desc_of(const struct stats *s, unsigned int i)
{
	return (const void *)(s->desc + i * (sizeof(struct kvm_stats_desc) + s->h.name_size));
}

static void stats_free(struct stats *s)
{
	free(s->id);
	free(s->desc);
	free(s->data);
}

static int stats_load(int fd, struct stats *s)
{
	size_t dsize;
	unsigned int i;

	memset(s, 0, sizeof(*s));
	if (pread_full(fd, &s->h, sizeof(s->h), 0))
		return -1;
	dsize = sizeof(struct kvm_stats_desc) + s->h.name_size;
	s->id = calloc(1, s->h.name_size + 1);
	s->desc = calloc(s->h.num_desc, dsize);
	if (!s->id || !s->desc)
		goto fail;
	if (pread_full(fd, s->id, s->h.name_size, s->h.id_offset) ||
	    pread_full(fd, s->desc, s->h.num_desc * dsize, s->h.desc_offset))
		goto fail;
	/* The data block: as far as the furthest descriptor's values reach. */
	for (i = 0; i < s->h.num_desc; i++) {
		const struct kvm_stats_desc *d = desc_of(s, i);
		size_t end = d->offset / 8 + d->size;

		if (end > s->ndata)
			s->ndata = end;
	}
	s->data = calloc(s->ndata ? s->ndata : 1, 8);
	if (!s->data || pread_full(fd, s->data, s->ndata * 8, s->h.data_offset))
		goto fail;
	return 0;
fail:
	stats_free(s);
	return -1;
}

int kvm_stats_print(int fd, const char *prefix, FILE *out)
{
	struct stats s;
	unsigned int i, k, last;

	if (stats_load(fd, &s))
		return -1;
	fprintf(out, "%sid=%s\n", prefix, s.id);
	for (i = 0; i < s.h.num_desc; i++) {
		const struct kvm_stats_desc *d = desc_of(&s, i);
		const unsigned long long *v = s.data + d->offset / 8;

		fprintf(out, "%s%.*s=%llu", prefix, (int)s.h.name_size, d->name, v[0]);
		for (last = 0, k = 1; k < d->size; k++)
			if (v[k])
				last = k;
		for (k = 1; k <= last; k++)
			fprintf(out, " %llu", v[k]);
		fprintf(out, "\n");
	}
	stats_free(&s);
	return 0;
}

long long kvm_stats_value(int fd, const char *name)
{
	struct stats s;
	long long v = -1;
	unsigned int i;

	if (stats_load(fd, &s))
		return -1;
	for (i = 0; i < s.h.num_desc; i++)
		if (!strncmp(desc_of(&s, i)->name, name, s.h.name_size))
			v = (long long)s.data[desc_of(&s, i)->offset / 8];
	stats_free(&s);
	if (v < 0)
		errno = ENOENT;
	return v;
}
