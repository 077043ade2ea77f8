"""Mentions of speakers in one article and the entities they refer to.

A mention is a name ("White House spokeswoman Abigail Jackson"), a pronoun
("he"), a nominal ("the mayor", "the city's mayor") or an organisation ("the
White House"). Titles are roles, never part of a name: "Mayor Brandon Johnson"
is the person Brandon Johnson with the role mayor. Mentions of one person in an
article are merged into an Entity with a canonical full name; linking.py then merges
the names that different articles gave one speaker.

Where the NER processor ran, its PERSON/ORG tags decide what is a name; without
it, capitalisation and the lexicon do.

names.py holds name keys and titles; mentions.py finds the mentions in an article;
resolution.py merges them into entities and resolves nominals, documents and pronouns;
descriptions.py resolves "the New York businessman" to the person the text just named.
"""
