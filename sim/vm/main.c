/*
 * fllm-card-vm: run the card model for one QEMU guest. See card_vm.h for the
 * wiring and docs/vm-rig.md for how tests/vm uses it.
 *
 * usage: fllm-card-vm --socket PATH --ram PATH [--ram-size SIZE] [--mem SIZE]
 *                     [--channels N] [--dma-max SIZE] [--vectors N]
 *
 * It listens on the socket, greets the guest, then serves doorbells until
 * the guest disconnects (QEMU exited), SIGTERM or SIGINT. Exit status 0 on
 * a clean end, 1 on a runtime failure, 2 on a usage error.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "card_vm.h"
#include "fllm_card.h"

struct vm_args {
	const char *socket;
	const char *ram;
	uint64_t ram_size;
	struct fllm_sim_config cfg;
	uint32_t vectors;
};

/* "512M", "1G", "4096": bytes, or 0 on a malformed or zero size. */
static uint64_t parse_size(const char *s)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return 0;
	switch (*end) {
	case 'K':
		v <<= 10;
		end++;
		break;
	case 'M':
		v <<= 20;
		end++;
		break;
	case 'G':
		v <<= 30;
		end++;
		break;
	}
	return *end ? 0 : v;
}

/* The synopsis. */
static void usage(FILE *f)
{
	fprintf(f, "usage: fllm-card-vm --socket PATH --ram PATH [--ram-size SIZE] [--mem SIZE]\n"
		   "                    [--channels N] [--dma-max SIZE] [--vectors N]\n");
}

/* Fill args from argv; 0, or 2 after printing what is wrong. */
static int parse_args(int argc, char **argv, struct vm_args *a)
{
	memset(a, 0, sizeof(*a));
	a->cfg.mem_size = 1ull << 30;
	a->cfg.mem_channels = 8;
	a->vectors = FLLM_IRQ_VECTORS;
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		uint64_t n;

		if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
			usage(stdout);
			exit(0);
		}
		if (!val) {
			fprintf(stderr, "fllm-card-vm: %s needs a value\n", opt);
			return 2;
		}
		i++;
		if (!strcmp(opt, "--socket")) {
			a->socket = val;
			continue;
		}
		if (!strcmp(opt, "--ram")) {
			a->ram = val;
			continue;
		}
		n = parse_size(val);
		if (!n) {
			fprintf(stderr, "fllm-card-vm: %s: '%s' is not a size or count\n", opt, val);
			return 2;
		}
		if (!strcmp(opt, "--ram-size")) {
			a->ram_size = n;
		} else if (!strcmp(opt, "--mem")) {
			a->cfg.mem_size = n;
		} else if (!strcmp(opt, "--channels") && n <= 64) {
			a->cfg.mem_channels = (uint32_t)n;
		} else if (!strcmp(opt, "--dma-max") && n <= (1u << 30)) {
			a->cfg.dma_max_len = (uint32_t)n;
		} else if (!strcmp(opt, "--vectors") && n <= VM_MAX_VECTORS) {
			a->vectors = (uint32_t)n;
		} else {
			fprintf(stderr, "fllm-card-vm: unknown option or value out of range: %s %s\n",
				opt, val);
			usage(stderr);
			return 2;
		}
	}
	if (!a->socket || !a->ram) {
		fprintf(stderr, "fllm-card-vm: --socket and --ram are required\n");
		usage(stderr);
		return 2;
	}
	return 0;
}

/* SIGTERM and SIGINT as a file descriptor for poll(); -1 on failure. */
static int signals_fd(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC);
}

enum { PFD_LISTEN, PFD_CONN, PFD_DOORBELL, PFD_SIGNAL, PFD_COUNT };

/* Serve one guest until it leaves or a signal arrives; 0 or 1. */
static int serve(struct vm_card *card, int lfd, int sfd)
{
	struct pollfd p[PFD_COUNT] = {
		[PFD_LISTEN] = { lfd, POLLIN, 0 },
		[PFD_CONN] = { -1, POLLIN, 0 },
		[PFD_DOORBELL] = { card->doorbell_fd, POLLIN, 0 },
		[PFD_SIGNAL] = { sfd, POLLIN, 0 },
	};
	int rc;

	for (;;) {
		if (poll(p, PFD_COUNT, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("fllm-card-vm: poll");
			return 1;
		}
		if (p[PFD_SIGNAL].revents)
			return 0;
		if (p[PFD_DOORBELL].revents & POLLIN) {
			rc = vm_card_doorbell(card);
			if (rc) {
				fprintf(stderr, "fllm-card-vm: doorbell: %s\n", strerror(-rc));
				return 1;
			}
		}
		if (p[PFD_LISTEN].revents & POLLIN) {
			int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

			if (c >= 0 && p[PFD_CONN].fd >= 0) {
				fprintf(stderr, "fllm-card-vm: refusing a second guest\n");
				close(c);
			} else if (c >= 0) {
				rc = vm_server_greet(card, c);
				if (rc) {
					fprintf(stderr, "fllm-card-vm: greeting the guest: %s\n",
						strerror(-rc));
					close(c);
					return 1;
				}
				p[PFD_CONN].fd = c;
				fprintf(stderr, "fllm-card-vm: guest connected\n");
			}
		}
		if (p[PFD_CONN].fd >= 0 && p[PFD_CONN].revents) {
			char junk[64];
			ssize_t n = read(p[PFD_CONN].fd, junk, sizeof(junk));

			if (n <= 0 && !(n < 0 && errno == EINTR)) {
				fprintf(stderr, "fllm-card-vm: guest disconnected\n");
				close(p[PFD_CONN].fd);
				return 0;
			}
		}
	}
}

/* Set up the card, serve one guest, report and clean up. */
int main(int argc, char **argv)
{
	struct vm_card card;
	struct vm_ram ram;
	struct vm_args a;
	int lfd, sfd, rc;

	rc = parse_args(argc, argv, &a);
	if (rc)
		return rc;
	sfd = signals_fd();
	if (sfd < 0) {
		perror("fllm-card-vm: signalfd");
		return 1;
	}
	rc = vm_ram_open(&ram, a.ram, a.ram_size);
	if (rc) {
		fprintf(stderr, "fllm-card-vm: guest RAM file %s: %s\n", a.ram, strerror(-rc));
		close(sfd);
		return 1;
	}
	rc = vm_card_create(&card, &a.cfg, a.vectors, &ram);
	if (rc) {
		fprintf(stderr, "fllm-card-vm: creating the card: %s\n", strerror(-rc));
		close(sfd);
		return 1;
	}
	lfd = vm_server_listen(a.socket);
	if (lfd < 0) {
		fprintf(stderr, "fllm-card-vm: socket %s: %s\n", a.socket, strerror(-lfd));
		vm_card_destroy(&card);
		close(sfd);
		return 1;
	}
	fprintf(stderr, "fllm-card-vm: card %llu MiB in %u channels, guest RAM %llu MiB, "
			"listening on %s\n",
		(unsigned long long)(a.cfg.mem_size >> 20), a.cfg.mem_channels,
		(unsigned long long)(card.ram.size >> 20), a.socket);
	rc = serve(&card, lfd, sfd);
	fprintf(stderr, "fllm-card-vm: %llu doorbells, %llu interrupts, %llu bad host accesses\n",
		(unsigned long long)card.doorbells,
		(unsigned long long)atomic_load(&card.irqs_sent),
		(unsigned long long)atomic_load(&card.host_errors));
	close(lfd);
	unlink(a.socket);
	vm_card_destroy(&card);
	close(sfd);
	return rc;
}
