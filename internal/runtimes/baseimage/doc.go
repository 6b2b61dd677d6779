// Package baseimage builds the runtime base images of the linux sandbox:
// for each runtime family, a minimal read-only tree of the host's files that
// the runtime needs, bound into an environment instead of the host's /usr.
//
// An image keeps the host's paths (an interpreter found at
// /usr/bin/python3.11 is /usr/bin/python3.11 inside) and holds only:
//   - the recipe's executables (a runtime's interpreter, /bin/sh) and their
//     shared-library closure: PT_INTERP and DT_NEEDED read with debug/elf,
//     resolved as the dynamic loader would (DT_RPATH/DT_RUNPATH with
//     $ORIGIN, /etc/ld.so.conf, the standard directories), recursively;
//   - the recipe's directory trees (Python's standard library, without
//     site-packages or dist-packages) and the closure of every ELF object in
//     them (lib-dynload's extension modules);
//   - glibc's core libraries, which programs load without naming them
//     (libnss_*, libgcc_s) or which a function's own bootstrap may need;
//   - the CA bundle and the OpenSSL configuration paths;
//   - etc/ld.so.cache, made by the host's ldconfig when it has one.
//
// Every symlink met on the way (a usr-merged /lib64, a library's soname
// link, /bin/sh → dash) is reproduced as a symlink, and its target added in
// turn, so the image resolves the same way the host does. Files are hard
// links to the host's when they are root-owned and on the same file system,
// copies otherwise; nothing is ever written outside the image directory
// (os.Root) and no host symlink is followed while copying.
//
// Images are versioned by a fingerprint of everything they hold (paths,
// link targets, and the inode, size, mode and modification time of each
// file): a Store builds an image on its first use and re-checks the host in
// the background at most once a minute after that; a host upgrade (which
// replaces files by rename) yields a new fingerprint and a new image
// directory for the environments created from then on, while running
// environments keep the old one.
package baseimage
