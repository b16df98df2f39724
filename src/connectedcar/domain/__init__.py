"""Value types and catalogues of the Connected Car domain. No I/O, no framework imports."""
