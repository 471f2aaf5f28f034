"""LaTeX through latexmk in a sandbox, into a build folder published all at once."""
