#define X 1
P0()
{
}
static void f(void)
{
	g();
}
