package passes

import (
	"math"
	"testing"
)

func TestConstfold(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"arith on constants", `func f
b0:
  v0 = Const <i64> [6]
  v1 = Const <i64> [7]
  v2 = Mul <i64> v0 v1
  Ret v2
`, `func f
b0:
  v2 = Const <i64> [42]
  Ret v2
`},
		{"x + 0 and mask of a narrow value", `func f
b0:
  v0 = Arg <ptr:ctx>
  v1 = Const <i64> [0]
  v2 = LoadSkbAbs <u8> [23] v0
  v3 = Add <i64> v2 v1
  v4 = Const <i64> [255]
  v5 = And <i64> v3 v4
  Ret v5
`, `func f
b0:
  v0 = Arg <ptr:ctx>
  v2 = LoadSkbAbs <u8> [23] v0
  Ret v2
`},
		{"equality through a byte swap", `func f
b0:
  v0 = Arg <ptr:ctx>
  v1 = LoadSkbAbs <u16> [12] v0
  v2 = Bswap16 <u16> v1
  v3 = Const <i64> [8]
  v4 = Eq <bool> v2 v3
  Ret v4
`, `func f
b0:
  v0 = Arg <ptr:ctx>
  v1 = LoadSkbAbs <u16> [12] v0
  v5 = Const <i64> [2048]
  v4 = Eq <bool> v1 v5
  Ret v4
`},
		{"constants move right and x - c becomes x + -c", `func f
b0:
  v0 = Arg <ptr:ctx>
  v1 = LoadSkbAbs <u8> [23] v0
  v2 = Const <i64> [5]
  v3 = Lt <bool> v2 v1
  v4 = Sub <i64> v1 v2
  v5 = Add <i64> v4 v4
  Ret v3
`, `func f
b0:
  v0 = Arg <ptr:ctx>
  v1 = LoadSkbAbs <u8> [23] v0
  v2 = Const <i64> [5]
  v3 = Gt <bool> v1 v2
  Ret v3
`},
		{"(x & m) != 0 is a bit test", `func f
b0:
  v0 = Arg <ptr:ctx>
  v1 = LoadSkbAbs <u8> [13] v0
  v2 = Const <i64> [2]
  v3 = And <i64> v1 v2
  v4 = Const <i64> [0]
  v5 = Ne <bool> v3 v4
  Ret v5
`, `func f
b0:
  v0 = Arg <ptr:ctx>
  v1 = LoadSkbAbs <u8> [13] v0
  v2 = Const <i64> [2]
  v5 = Tst <bool> v1 v2
  Ret v5
`},
		{"a comparison's result >= 0 is always true, < 1 is its negation", `func f
b0:
  v0 = Arg <ptr:ctx>
  v1 = LoadSkbAbs <u8> [23] v0
  v2 = Const <i64> [5]
  v3 = Gt <bool> v1 v2
  v4 = Const <i64> [0]
  v5 = SGe <bool> v3 v4
  v6 = Const <i64> [1]
  v7 = SLt <bool> v3 v6
  v8 = Add <i64> v5 v7
  Ret v8
`, `func f
b0:
  v0 = Arg <ptr:ctx>
  v1 = LoadSkbAbs <u8> [23] v0
  v2 = Const <i64> [5]
  v5 = Const <bool> [1]
  v7 = Le <bool> v1 v2
  v8 = Add <i64> v7 v5
  Ret v8
`},
		{"x / 0 is 0 and x % 0 is x", `func f
b0:
  v0 = Arg <ptr:ctx>
  v1 = LoadSkbAbs <u8> [23] v0
  v2 = Const <i64> [0]
  v3 = SDiv <i64> v1 v2
  v4 = SMod <i64> v1 v2
  v5 = Add <i64> v3 v4
  Ret v5
`, `func f
b0:
  v0 = Arg <ptr:ctx>
  v1 = LoadSkbAbs <u8> [23] v0
  Ret v1
`},
		{"shift counts are taken modulo 64", `func f
b0:
  v0 = Arg <ptr:ctx>
  v1 = LoadSkbAbs <u8> [23] v0
  v2 = Const <i64> [65]
  v3 = Rsh <i64> v1 v2
  Ret v3
`, `func f
b0:
  v0 = Arg <ptr:ctx>
  v1 = LoadSkbAbs <u8> [23] v0
  v4 = Const <i64> [1]
  v3 = Rsh <i64> v1 v4
  Ret v3
`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkText(t, runPass(t, tc.src, constfold, copyprop, dce), tc.want)
		})
	}
}

func TestEvalMatchesMachine(t *testing.T) {
	// Division by zero and the minimum value follow the BPF machine.
	for _, tc := range []struct {
		op   string
		a, b int64
		want int64
	}{
		{"Div", 7, 0, 0},
		{"Mod", 7, 0, 7},
		{"SDiv", -7, 2, -3},
		{"SMod", -7, 2, -1},
		{"Rsh", -1, 60, 15},
		{"Arsh", -16, 2, -4},
		{"Lt", -1, 1, 0},
		{"SLt", -1, 1, 1},
		{"SDiv", -7, 0, 0},
		{"SMod", -7, 0, -7},
		{"SDiv", math.MinInt64, -1, math.MinInt64},
		{"SMod", -7, -1, 0},
		{"Lsh", 3, 64, 3},
		{"Rsh", 8, 65, 4},
		{"Arsh", -8, 65, -4},
	} {
		op := opNamed(t, tc.op)
		if got, _ := eval(op, tc.a, tc.b); got != tc.want {
			t.Errorf("%s(%d, %d) = %d, want %d", tc.op, tc.a, tc.b, got, tc.want)
		}
	}
}
