/*
 * XRT finds its device library (the PCIe shim, or the noop shim under
 * XCL_EMULATION_MODE=noop) in $XILINX_XRT/lib and throws an uncaught C++
 * exception, aborting the process, when XILINX_XRT is unset. Debian installs
 * XRT's libraries in the multiarch folder, so when the variable is unset the
 * backend points it at a prefix folder whose lib is a symlink to the folder
 * libxrt_coreutil was loaded from (docs/xrt.md).
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xrt_dev.h"

static pthread_once_t env_once = PTHREAD_ONCE_INIT;
static fllm_status env_status;

/* A folder we own, or one we just made: never follow a planted link. */
static int own_dir(const char *path)
{
	struct stat st;

	if (mkdir(path, 0700) && errno != EEXIST)
		return -1;
	if (lstat(path, &st) || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
		return -1;
	return 0;
}

/* prefix/lib -> libdir, made or already there. */
static int link_lib(const char *prefix, const char *libdir)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	if (snprintf(link, sizeof(link), "%s/lib", prefix) >= (int)sizeof(link))
		return -1;
	if (!symlink(libdir, link))
		return 0;
	if (errno != EEXIST)
		return -1;
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -1;
	target[n] = '\0';
	return strcmp(target, libdir) ? -1 : 0;
}

static void env_setup(void)
{
	const char *set = getenv("XILINX_XRT"), *tmp = getenv("TMPDIR");
	char libdir[PATH_MAX], prefix[PATH_MAX], *slash;
	struct stat st;
	Dl_info info;

	env_status = FLLM_E_UNSUPPORTED;
	if (set) {
		/* the user's choice: use it if it has a lib folder */
		if (snprintf(prefix, sizeof(prefix), "%s/lib", set) < (int)sizeof(prefix) &&
		    !stat(prefix, &st) && S_ISDIR(st.st_mode))
			env_status = FLLM_OK;
		return;
	}
	if (!dladdr((void *)xrtDeviceOpen, &info) || !info.dli_fname ||
	    !realpath(info.dli_fname, libdir))
		return;
	slash = strrchr(libdir, '/');
	if (!slash || slash == libdir)
		return;
	*slash = '\0';
	if (!strcmp(strrchr(libdir, '/'), "/lib")) {
		/* an XRT install of its own (/opt/xilinx/xrt/lib): its parent */
		snprintf(prefix, sizeof(prefix), "%.*s", (int)(strrchr(libdir, '/') - libdir),
			 libdir);
	} else {
		if (snprintf(prefix, sizeof(prefix), "%s/fllm-xrt-%u", tmp && *tmp ? tmp : "/tmp",
			     (unsigned int)geteuid()) >= (int)sizeof(prefix))
			return;
		if (own_dir(prefix) || link_lib(prefix, libdir))
			return;
	}
	if (!setenv("XILINX_XRT", prefix, 0))
		env_status = FLLM_OK;
}

fllm_status xrt_env_prepare(void)
{
	pthread_once(&env_once, env_setup);
	return env_status;
}
