/* Does nothing, successfully: the program spawn starts. */
int main(void) { return 0; }
