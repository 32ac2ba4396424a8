// scmrights: AF_UNIX socket pairs across fork. The parent passes a pipe's
// read end and a file to its child with SCM_RIGHTS; the child reads
// through them and answers over the socket. Also: SO_PEERCRED,
// SCM_CREDENTIALS, seqpacket boundaries, MSG_PEEK, MSG_DONTWAIT,
// SO_RCVTIMEO, shutdown, EPIPE with and without SIGPIPE, and poll. It
// prints what it sees, so that its output under SOS can be compared with
// its output under Linux.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(x) do { if (!(x)) { printf("FAIL line %d: %s (errno %s)\n", __LINE__, #x, strerrorname_np(errno)); exit(1); } } while (0)

static int send_fds(int sock, const char *msg, int *fds, int n) {
	struct iovec iov = {.iov_base = (void *)msg, .iov_len = strlen(msg)};
	char buf[CMSG_SPACE(sizeof(int) * 4)];
	memset(buf, 0, sizeof buf);
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = buf, .msg_controllen = CMSG_SPACE(sizeof(int) * n)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
	return sendmsg(sock, &mh, 0);
}

// recv_fds receives a message and up to 4 descriptors; it returns how
// many descriptors came.
static int recv_fds(int sock, char *msg, size_t len, int *fds, int *flags) {
	struct iovec iov = {.iov_base = msg, .iov_len = len - 1};
	char buf[CMSG_SPACE(sizeof(int) * 4)];
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = buf, .msg_controllen = sizeof buf};
	ssize_t n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return -1;
	msg[n] = 0;
	*flags = mh.msg_flags;
	int k = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			memcpy(fds, CMSG_DATA(c), sizeof(int) * k);
		}
	}
	return k;
}

static void rights(void) {
	int sv[2], p[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(pipe(p) == 0);
	char path[] = "/tmp/scmrightsXXXXXX";
	int file = mkstemp(path);
	CHECK(file >= 0);
	unlink(path);
	CHECK(write(file, "file contents", 13) == 13);
	CHECK(lseek(file, 0, SEEK_SET) == 0);

	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(sv[0]);
		close(p[0]);
		close(file);
		char msg[64];
		int fds[4], flags;
		int k = recv_fds(sv[1], msg, sizeof msg, fds, &flags);
		CHECK(k == 2);
		CHECK(fcntl(fds[0], F_GETFD) == FD_CLOEXEC);
		char a[64] = {0}, b[64] = {0};
		CHECK(read(fds[0], a, sizeof a - 1) > 0);
		CHECK(read(fds[1], b, sizeof b - 1) == 13);
		char reply[256];
		snprintf(reply, sizeof reply, "child got \"%s\" with %d fds: pipe says \"%s\", file says \"%s\"", msg, k, a, b);
		CHECK(write(sv[1], reply, strlen(reply)) == (ssize_t)strlen(reply));
		_exit(0);
	}
	close(sv[1]);
	int fds[2] = {p[0], file};
	CHECK(send_fds(sv[0], "two fds", fds, 2) == 7);
	close(p[0]);
	close(file);
	CHECK(write(p[1], "through the pipe", 16) == 16);
	close(p[1]);
	char buf[256];
	ssize_t n = read(sv[0], buf, sizeof buf - 1);
	CHECK(n > 0);
	buf[n] = 0;
	printf("%s\n", buf);
	int status;
	CHECK(waitpid(pid, &status, 0) == pid);
	printf("child exit %d\n", WEXITSTATUS(status));
	CHECK(read(sv[0], buf, sizeof buf) == 0); // the child closed its end
	printf("end of file after the child exited\n");
	close(sv[0]);
}

static void creds(void) {
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	struct ucred uc;
	socklen_t len = sizeof uc;
	CHECK(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &uc, &len) == 0);
	printf("SO_PEERCRED: pid matches %d, uid matches %d, len %d\n", uc.pid == getpid(), uc.uid == getuid(), (int)len);
	int one = 1;
	CHECK(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one) == 0);
	CHECK(send(sv[0], "hi", 2, 0) == 2);
	char data[8], cbuf[CMSG_SPACE(sizeof(struct ucred))];
	struct iovec iov = {.iov_base = data, .iov_len = sizeof data};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
	CHECK(recvmsg(sv[1], &mh, 0) == 2);
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	CHECK(c != NULL && c->cmsg_type == SCM_CREDENTIALS);
	memcpy(&uc, CMSG_DATA(c), sizeof uc);
	printf("SCM_CREDENTIALS: pid matches %d, uid matches %d\n", uc.pid == getpid(), uc.uid == getuid());
	close(sv[0]);
	close(sv[1]);
}

static void seqpacket(void) {
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
	CHECK(send(sv[0], "first record", 12, 0) == 12);
	CHECK(send(sv[0], "second", 6, 0) == 6);
	char buf[64];
	ssize_t n = recv(sv[1], buf, sizeof buf, MSG_PEEK);
	printf("peek %zd\n", n);
	struct iovec iov = {.iov_base = buf, .iov_len = 5};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	n = recvmsg(sv[1], &mh, 0);
	printf("short read %zd \"%.*s\" truncated %d\n", n, (int)n, buf, !!(mh.msg_flags & MSG_TRUNC));
	n = recv(sv[1], buf, sizeof buf, 0);
	printf("next record %zd \"%.*s\"\n", n, (int)n, buf);
	n = recv(sv[1], buf, sizeof buf, MSG_DONTWAIT);
	printf("empty: %zd %s\n", n, strerrorname_np(errno));

	struct timeval tv = {.tv_sec = 0, .tv_usec = 20000};
	CHECK(setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
	n = recv(sv[1], buf, sizeof buf, 0);
	printf("timed out: %zd %s\n", n, strerrorname_np(errno));

	struct pollfd pfd = {.fd = sv[1], .events = POLLIN};
	printf("poll empty: %d\n", poll(&pfd, 1, 0));
	CHECK(send(sv[0], "x", 1, 0) == 1);
	printf("poll with data: %d revents %#x\n", poll(&pfd, 1, 1000), pfd.revents);
	CHECK(recv(sv[1], buf, sizeof buf, 0) == 1);

	CHECK(shutdown(sv[0], SHUT_WR) == 0);
	n = recv(sv[1], buf, sizeof buf, 0);
	printf("after SHUT_WR: %zd\n", n);
	close(sv[1]);
	n = send(sv[0], "x", 1, MSG_NOSIGNAL);
	printf("send to a closed peer: %zd %s\n", n, strerrorname_np(errno));
	signal(SIGPIPE, SIG_IGN);
	n = write(sv[0], "x", 1);
	printf("write with SIGPIPE ignored: %zd %s\n", n, strerrorname_np(errno));
	signal(SIGPIPE, SIG_DFL);
	close(sv[0]);
}

static void named(void) {
	char path[] = "/tmp/scmsockXXXXXX";
	CHECK(mkdtemp(path) != NULL);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s/s", path);
	int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(l >= 0);
	CHECK(bind(l, (struct sockaddr *)&sa, sizeof sa) == 0);
	struct stat st;
	CHECK(stat(sa.sun_path, &st) == 0);
	printf("bound: a socket file %d\n", S_ISSOCK(st.st_mode));
	int again = socket(AF_UNIX, SOCK_STREAM, 0);
	printf("second bind: %d %s\n", bind(again, (struct sockaddr *)&sa, sizeof sa), strerrorname_np(errno));
	close(again);
	CHECK(listen(l, 4) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		int c = socket(AF_UNIX, SOCK_STREAM, 0);
		CHECK(connect(c, (struct sockaddr *)&sa, sizeof sa) == 0);
		CHECK(write(c, "hello from the child", 20) == 20);
		_exit(0);
	}
	struct sockaddr_un peer;
	socklen_t plen = sizeof peer;
	int s = accept(l, (struct sockaddr *)&peer, &plen);
	CHECK(s >= 0);
	printf("accepted, peer address length %d\n", (int)plen);
	char buf[64];
	ssize_t n, total = 0;
	while ((n = read(s, buf + total, sizeof buf - 1 - total)) > 0)
		total += n;
	buf[total] = 0;
	printf("read \"%s\"\n", buf);
	struct sockaddr_un me;
	socklen_t mlen = sizeof me;
	CHECK(getsockname(s, (struct sockaddr *)&me, &mlen) == 0);
	printf("accepted socket's name is the listener's: %d\n", strcmp(me.sun_path, sa.sun_path) == 0);
	waitpid(pid, NULL, 0);
	close(s);
	close(l);
	unlink(sa.sun_path);
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	printf("connect after unlink: %d %s\n", connect(c, (struct sockaddr *)&sa, sizeof sa), strerrorname_np(errno));
	close(c);
	rmdir(path);

	// An abstract name, reached by a datagram socket.
	int d = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_un ab = {.sun_family = AF_UNIX};
	memcpy(ab.sun_path, "\0scmrights-abstract", 19);
	socklen_t alen = offsetof(struct sockaddr_un, sun_path) + 19;
	CHECK(bind(d, (struct sockaddr *)&ab, alen) == 0);
	int e = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK(sendto(e, "abstract", 8, 0, (struct sockaddr *)&ab, alen) == 8);
	n = recv(d, buf, sizeof buf, 0);
	printf("abstract datagram: \"%.*s\"\n", (int)n, buf);
	close(d);
	close(e);
}

// backlog: a full listen queue is EAGAIN for a non-blocking connect, and
// makes a blocking one wait until accept makes room.
static void backlog(void) {
	struct sockaddr_un ab = {.sun_family = AF_UNIX};
	memcpy(ab.sun_path, "\0scmrights-backlog", 19);
	socklen_t alen = offsetof(struct sockaddr_un, sun_path) + 19;
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bind(l, (struct sockaddr *)&ab, alen) == 0);
	CHECK(listen(l, 0) == 0);
	int c1 = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(connect(c1, (struct sockaddr *)&ab, alen) == 0);
	int c2 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	printf("connect to a full queue: %d %s\n", connect(c2, (struct sockaddr *)&ab, alen), strerrorname_np(errno));
	pid_t pid = fork();
	if (pid == 0) {
		int c3 = socket(AF_UNIX, SOCK_STREAM, 0);
		CHECK(connect(c3, (struct sockaddr *)&ab, alen) == 0);
		CHECK(write(c3, "waited", 6) == 6);
		_exit(0);
	}
	usleep(50000);
	int a1 = accept(l, NULL, NULL), a2 = accept(l, NULL, NULL);
	char buf[8] = {0};
	CHECK(read(a2, buf, 6) == 6);
	printf("accepted %d and %d; the blocked one says \"%s\"\n", a1 >= 0, a2 >= 0, buf);
	waitpid(pid, NULL, 0);
	close(a1);
	close(a2);
	close(c1);
	close(c2);
	close(l);
}

static void on_alarm(int sig) { (void)sig; }

// interrupted: a signal ends a blocking receive with EINTR unless the
// handler asks for a restart, which a socket timeout overrides. A write to
// a closed socket kills with SIGPIPE.
static void interrupted(void) {
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	struct sigaction sa = {.sa_handler = on_alarm};
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
	struct itimerval it = {.it_value = {.tv_usec = 20000}};
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
	char buf[8];
	ssize_t n = recv(sv[0], buf, sizeof buf, 0);
	printf("recv interrupted: %zd %s\n", n, strerrorname_np(errno));

	sa.sa_flags = SA_RESTART;
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
	struct timeval tv = {.tv_sec = 5};
	CHECK(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
	n = recv(sv[0], buf, sizeof buf, 0);
	printf("recv with a timeout interrupted under SA_RESTART: %zd %s\n", n, strerrorname_np(errno));
	signal(SIGALRM, SIG_DFL);

	close(sv[1]);
	pid_t pid = fork();
	if (pid == 0) {
		write(sv[0], "x", 1);
		_exit(0);
	}
	int status;
	CHECK(waitpid(pid, &status, 0) == pid);
	printf("writer to a closed socket: killed by SIGPIPE %d\n", WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE);
	close(sv[0]);
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	rights();
	creds();
	seqpacket();
	named();
	backlog();
	interrupted();
	printf("done\n");
	return 0;
}
