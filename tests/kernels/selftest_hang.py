#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A live test that never ends, for tests/kernels/run.sh --self-test: the matrix must stop it at its
time limit and report it (status "timeout"), then go on with the next test."""
import time

print("selftest_hang: sleeping until the time limit ends this test", flush=True)
time.sleep(24 * 3600)
