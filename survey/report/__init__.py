"""Problems as data: located diagnostics and how they are printed; what an operating-system error means."""
