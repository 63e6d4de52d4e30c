package litmus_test

import (
	"fmt"

	"mmcheck/litmus"
)

func ExampleLoad() {
	src := `C MP+pooncerelease+poacquireonce
{}
P0(int *buf, int *flag)
{
	WRITE_ONCE(*buf, 1);
	smp_store_release(flag, 1);
}
P1(int *buf, int *flag)
{
	int r0;
	int r1;

	while (!(r0 = smp_load_acquire(flag)))
		cpu_relax();
	r1 = READ_ONCE(*buf);
}
exists (1:r0=1 /\ 1:r1=0)
`
	p, err := litmus.Load("mp.lit", []byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(litmus.DisasmProgram(p, p.Threads[1]))
	fmt.Println(p.Cond.Kind, p.Cond.Text)
	// Output:
	//      buf = &buf
	//      flag = &flag
	//   0  await
	//   1  r0 = load.acquire &flag  ; smp_load_acquire
	//   2  %4 = !r0
	//   3  awaitend %4
	//   4  r1 = load.once &buf  ; READ_ONCE
	//   5  halt
	// exists (1:r0=1 /\ 1:r1=0)
}

func ExampleParse() {
	f, err := litmus.Parse("bad.lit", []byte("C bad\n{}\nP0(int *x)\n{\n\tWRITE_ONCE(*x, 1)\n}\n"))
	fmt.Println(f.Test, err)
	// Output:
	// bad bad.lit:5:19: expected ';', found '}'
}
