# hello-warnings.m4 serial 2
dnl Written for the hello sample project; free to copy and modify.
dnl
dnl HELLO_WARNINGS: set HELLO_WARN_CFLAGS to the warning options the C
dnl compiler accepts, from a short fixed list.

AC_DEFUN([HELLO_WARNINGS],
[
  AC_REQUIRE([AC_PROG_CC])
  HELLO_WARN_CFLAGS=
  hello_save_CFLAGS=$CFLAGS
  for hello_flag in -Wall -Wextra -Wshadow; do
    AC_MSG_CHECKING([whether $CC accepts $hello_flag])
    CFLAGS="$hello_save_CFLAGS $hello_flag"
    AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[]], [[]])],
      [HELLO_WARN_CFLAGS="$HELLO_WARN_CFLAGS $hello_flag"
       AC_MSG_RESULT([yes])],
      [AC_MSG_RESULT([no])])
  done
  CFLAGS=$hello_save_CFLAGS
  AC_SUBST([HELLO_WARN_CFLAGS])
])
