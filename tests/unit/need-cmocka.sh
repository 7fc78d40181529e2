#!/bin/sh
# need-cmocka.sh -- stands for the unit tests when configure did not
# find cmocka: `make check' then fails and says why.
echo "the unit tests need cmocka: install the Debian package libcmocka-dev"
echo "(or run ./bootstrap --install-deps), then run ./configure again"
exit 99
