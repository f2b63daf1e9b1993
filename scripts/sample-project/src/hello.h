/* hello.h: shared declarations for the hello program.  */
#ifndef HELLO_H
#define HELLO_H

#include <locale.h>
#include <libintl.h>

#define _(msgid) gettext (msgid)

/* The greeting printed when no name is given.  */
#define HELLO_DEFAULT_NAME "world"

#endif /* HELLO_H */
