/* A stand-in for KyotoTycoon's ktserver in the uprobe-tailkt test: it
 * defines kyotocabinet::StashDB::accept under its C++ (mangled) name and
 * calls it for one key written and one read. */
#include <stddef.h>

int stashdb_accept(void *self, const char *kbuf, size_t ksiz, void *visitor, int writable)
	__asm__("_ZN12kyotocabinet7StashDB6acceptEPKcmPNS_2DB7VisitorEb");

__attribute__((noinline, used)) int stashdb_accept(void *self, const char *kbuf, size_t ksiz, void *visitor, int writable) {
	(void)self;
	(void)visitor;
	return (int)ksiz + writable + kbuf[0];
}

int main(void) {
	/* A uprobe cannot fault pages in: the keys are on the stack, in
	 * memory just written, as a server's keys are. */
	volatile char key[6] = "mykey", other[6] = "other";
	volatile int r = stashdb_accept(0, (const char *)key, 5, 0, 1);
	r += stashdb_accept(0, (const char *)other, 5, 0, 0);
	return r == 0;
}
