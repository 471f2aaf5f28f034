from survey.cli.main import main

main()
