/* hello.c: print a friendly greeting.
   Usage: hello [--version] [NAME]  */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "hello.h"

static void
print_version (void)
{
  printf ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
}

int
main (int argc, char **argv)
{
  const char *name = HELLO_DEFAULT_NAME;

  setlocale (LC_ALL, "");
  bindtextdomain (PACKAGE, LOCALEDIR);
  textdomain (PACKAGE);

  if (argc > 1 && strcmp (argv[1], "--version") == 0)
    {
      print_version ();
      return 0;
    }
  if (argc > 2)
    {
      fprintf (stderr, _("usage: %s [--version] [NAME]\n"), argv[0]);
      return 2;
    }
  if (argc == 2)
    name = argv[1];

  printf (_("Hello, %s!\n"), name);
  return 0;
}
