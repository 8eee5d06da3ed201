"""`python -m whisper_tui` runs the same command as `whisper-tui`."""

import sys

from whisper_tui.launcher import main

sys.exit(main())
