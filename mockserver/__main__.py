from mockserver.hosting.cli import main

raise SystemExit(main())
