// Site-wide behaviour. Page-specific scripts live in their own files.
