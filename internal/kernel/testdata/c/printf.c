/* printf with floats and integers: glibc's formatting over SOS's FPU. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int main(void) {
	printf("%d %u %ld %x %o %c %s\n", -42, 42u, 1L << 40, 0xbeef, 0755, 'z', "str");
	printf("%.3f %e %g %a\n", 3.14159265358979, 6.02214076e23, 1e-10, 1.0);
	printf("%10.4f|%-10.2f|%+.0f\n", M_PI, -M_E, 2.5);
	printf("%f %f %f\n", sqrt(2.0), exp(1.0), log(10.0));
	printf("%f %f\n", strtod("1e308", NULL) * 10, -strtod("nan", NULL));
	float f = 1.0f / 3.0f;
	printf("%.9g %.17g\n", f, 1.0 / 3.0);
	printf("%.20f\n", 0.1);
	return 0;
}
