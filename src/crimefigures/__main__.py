from crimefigures.cli import main

raise SystemExit(main())
