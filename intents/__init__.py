"""Understanding text: normalisation, language identification and intent matching."""
