"""The `survey` command line: a click group and thin command modules that call the library."""
