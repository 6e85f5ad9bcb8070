/*
 * The server side of QEMU's ivshmem-doorbell protocol (QEMU's
 * docs/specs/ivshmem-spec: each message is a little-endian int64, some carry
 * one file descriptor). Debian ships no ivshmem-server, and the model is the
 * only other peer anyway, so it greets the one guest itself:
 *   1. protocol version 0;
 *   2. the guest's own peer ID (VM_GUEST_PEER);
 *   3. -1 with the shared-memory fd (BAR2, here the card's register page);
 *   4. the model's peer ID with its doorbell eventfd (the guest's vector 0
 *      towards peer VM_MODEL_PEER);
 *   5. the guest's ID once per vector, each with the eventfd QEMU turns into
 *      that MSI-X vector.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "card_vm.h"

#define VM_PROTOCOL_VERSION 0

/* Send one message, with fd attached when fd >= 0; 0 or a negative errno. */
static int vm_send(int conn, int64_t value, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	uint8_t le[8];
	struct iovec iov = { le, sizeof(le) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	ssize_t n;

	for (int i = 0; i < 8; i++)
		le[i] = (uint8_t)((uint64_t)value >> (8 * i));
	if (fd >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	do {
		n = sendmsg(conn, &msg, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == (ssize_t)sizeof(le) ? 0 : -EIO;
}

/* See card_vm.h: a listening UNIX socket at path (replacing a stale one). */
int vm_server_listen(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd, rc;

	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) || listen(fd, 1)) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

/* See card_vm.h: the whole greeting of a new guest connection. */
int vm_server_greet(const struct vm_card *card, int conn)
{
	int rc;

	rc = vm_send(conn, VM_PROTOCOL_VERSION, -1);
	if (!rc)
		rc = vm_send(conn, VM_GUEST_PEER, -1);
	if (!rc)
		rc = vm_send(conn, -1, card->regs_fd);
	if (!rc)
		rc = vm_send(conn, VM_MODEL_PEER, card->doorbell_fd);
	for (uint32_t v = 0; !rc && v < card->vectors; v++)
		rc = vm_send(conn, VM_GUEST_PEER, card->irq_fd[v]);
	return rc;
}
