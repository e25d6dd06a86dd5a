#include <unicode/utypes.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/utrans.h>
#include <unicode/ubrk.h>
#include <unicode/uscript.h>
#include <unicode/uversion.h>
