// The whole of one stage library is linked into this program (cmake/LinkCheck.cmake): it must
// link with that library's declared dependencies alone.
int main() { return 0; }
