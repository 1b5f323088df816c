from creneau.cli import main

main()
