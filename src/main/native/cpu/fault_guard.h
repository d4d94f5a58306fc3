/* The native kernel's guard against SIGBUS from mapped files that shrank (see fault_guard.c). */
#ifndef LAYERDIFF_FAULT_GUARD_H
#define LAYERDIFF_FAULT_GUARD_H

#include <setjmp.h>

/* Installs the SIGBUS handler once per process, in front of the one installed before (the JVM's);
 * returns 0, or -1 if sigaction refused. */
int ld_install_fault_guard(void);

/* From here to ld_guard_end, a SIGBUS on this thread jumps to *jump (sigsetjmp(*jump, 0) returning 1). */
void ld_guard_begin(sigjmp_buf *jump);

void ld_guard_end(void);

#endif
