"""What editors read: the terminal and JSON report, the site-wide report pages, readability views."""
