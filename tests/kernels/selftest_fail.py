#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A live test that fails on purpose, for tests/kernels/run.sh --self-test: the matrix must report
it as failed on the kernel it ran on."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "live"))
from harness import Checks  # noqa: E402

c = Checks()
c.check("the self-test's deliberately passing check", True)
c.check("the self-test's deliberately failing check", False, "(this failure is expected by run.sh --self-test)")
c.done()
