/*
 * Turns a SIGBUS in the native kernel's reads into an error return instead of the JVM's death.
 *
 * A page of a mapped file that no longer exists (the file was truncated by another process, a network
 * file system lost it) raises SIGBUS when it is touched. HotSpot recovers from that in Java code (an
 * InternalError) but not in JNI code: its handler finds a fault it does not own and aborts the process.
 * So the kernel's entry points read under a guard: a per-thread jump buffer that this handler, installed
 * in front of the JVM's, jumps back to. Every other SIGBUS (the JVM's own unsafe accesses, or one in any
 * thread not inside a guard) goes on to the handler that was installed before, with the same arguments,
 * so the JVM still turns a fault in Java code into its InternalError.
 *
 * Why this is safe to jump out of: between ld_guard_begin and ld_guard_end the guarded code only
 * computes over memory it was given and scratch memory it owns; it takes no lock, allocates nothing and
 * calls nothing that keeps state, so abandoning it mid-way leaves only the scratch to reset (the caller
 * does). Under -Xcheck:jni the JVM warns that its SIGBUS handler was replaced; with libjsig preloaded the
 * JVM keeps its handler and calls this one as the chained handler for the faults it does not own, which
 * works the same.
 */
#define _XOPEN_SOURCE 700 /* SA_ONSTACK, SA_RESTART, ucontext_t */
#include "fault_guard.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>
#include <ucontext.h>

/* Non-NULL while this thread runs guarded code: where its SIGBUS jumps to. Written by the thread itself
 * before its first guarded read, so that the handler never makes the first access to this thread's TLS
 * block (which may allocate). */
static _Thread_local sigjmp_buf *volatile current;

static struct sigaction previous;
static pthread_once_t installed = PTHREAD_ONCE_INIT;
static int install_result = -1;

static void on_sigbus(int sig, siginfo_t *info, void *context) {
    sigjmp_buf *jump = current;
    if (jump != NULL) {
        current = NULL;
        /* The handler runs with SIGBUS blocked; sigsetjmp(.., 0) saved no mask (a syscall per call), so put
         * back the mask the thread had when it faulted, or the next fault would kill it. */
        pthread_sigmask(SIG_SETMASK, &((ucontext_t *) context)->uc_sigmask, NULL);
        siglongjmp(*jump, 1);
    }
    if (previous.sa_flags & SA_SIGINFO) {
        previous.sa_sigaction(sig, info, context);
    } else if (previous.sa_handler == SIG_DFL) {
        /* No one else handles it: put the default back, and the faulting instruction, run again on
         * return, ends the process as it would have without this handler. */
        sigaction(sig, &previous, NULL);
    } else if (previous.sa_handler != SIG_IGN) {
        previous.sa_handler(sig);
    }
}

static void install(void) {
    struct sigaction old, sa;
    if (sigaction(SIGBUS, NULL, &old) != 0) return;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigbus;
    sa.sa_mask = old.sa_mask;
    sa.sa_flags = SA_SIGINFO | (old.sa_flags & (SA_ONSTACK | SA_RESTART));
    previous = old;
    if (sigaction(SIGBUS, &sa, NULL) != 0) return;
    install_result = 0;
}

int ld_install_fault_guard(void) {
    pthread_once(&installed, install);
    return install_result;
}

void ld_guard_begin(sigjmp_buf *jump) {
    current = jump;
    /* no read of guarded memory may be moved above this store */
    atomic_signal_fence(memory_order_seq_cst);
}

void ld_guard_end(void) {
    atomic_signal_fence(memory_order_seq_cst);
    current = NULL;
}
