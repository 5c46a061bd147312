int g(int x) { return x * 3; }
void _start(void) { for (;;) g(1); }
