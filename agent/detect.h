/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

int detect_main(int argc, char **argv);
