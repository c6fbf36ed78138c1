from clerkdesk.cli import main

main()
