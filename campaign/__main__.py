import sys

from campaign.ops.cli import main

sys.exit(main())
