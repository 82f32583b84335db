"""ZCTextIndex without a write of the word's bucket when its documents are a
BTree: two documents sharing a word can be indexed at the same time.

Products.ZCTextIndex keeps, for each word, the documents that contain it: a dict
up to ten documents, an IIBTree beyond. Adding a document stores the word's
entry back into ``_wordinfo`` (``# not redundant: Persistency!``) even when it
is an IIBTree, which records its own change: the bucket of ``_wordinfo`` is then
written by every document with that word, and two transactions indexing
documents that share any word (a title's "politique", "charte", "de"…) conflict
on it. The rewrite is needed only for a dict, so this version does only that;
what is stored is the same. SearchableText, Title and Description are
ZCTextIndexes: without it, two editors adding evidence at the same time
conflicted even once every other hot spot was gone (bench/contention.py).

``apply`` is called once, when the add-on is imported (``__init__.py``); it
changes every site of the process, which stores the same data as before.
"""

from BTrees.IIBTree import IIBTree
from Products.ZCTextIndex.BaseIndex import BaseIndex


def _add_wordinfo(self, wid, f, docid):
    doc2score = self._wordinfo.get(wid)
    if doc2score is None:
        doc2score = {}
        self.length.change(1)
    elif isinstance(doc2score, dict) and len(doc2score) == self.DICT_CUTOFF:
        doc2score = IIBTree(doc2score)
    doc2score[docid] = f
    if not isinstance(doc2score, IIBTree) or doc2score._p_jar is None:
        self._wordinfo[wid] = doc2score  # a dict, or a new IIBTree


def _mass_add_wordinfo(self, wid2weight, docid):
    get_doc2score = self._wordinfo.get
    new_word_count = 0
    for wid, weight in wid2weight.items():
        doc2score = get_doc2score(wid)
        if doc2score is None:
            doc2score = {}
            new_word_count += 1
        elif isinstance(doc2score, dict) and len(doc2score) == self.DICT_CUTOFF:
            doc2score = IIBTree(doc2score)
        doc2score[docid] = weight
        if not isinstance(doc2score, IIBTree) or doc2score._p_jar is None:
            self._wordinfo[wid] = doc2score
    self.length.change(new_word_count)


def _del_wordinfo(self, wid, docid):
    doc2score = self._wordinfo[wid]
    del doc2score[docid]
    if not doc2score:
        del self._wordinfo[wid]
        self.length.change(-1)
    elif not isinstance(doc2score, IIBTree):
        self._wordinfo[wid] = doc2score


def apply():
    if getattr(BaseIndex, "_nrlabel_patched", False):
        return
    BaseIndex._add_wordinfo = _add_wordinfo
    BaseIndex._mass_add_wordinfo = _mass_add_wordinfo
    BaseIndex._del_wordinfo = _del_wordinfo
    BaseIndex._nrlabel_patched = True
