int counter;
int add(int a, int b) { return a + b + counter; }
static int twice(int a) { return 2 * a; }
int use(int a) { return twice(a) + add(a, 1); }
int _ZN2ns5Class6methodEv(void) { return 7; }
static int impl_a(void) { return 1; }
static void *resolve_f(void) { return impl_a; }
int f(void) __attribute__((ifunc("resolve_f")));
