#ifndef FATURA_CLIBXML2_SHIM_H
#define FATURA_CLIBXML2_SHIM_H

// libxml2 and Foundation each bring an ICU; keep libxml2's ICU declarations
// out of Swift so the two `UErrorCode` definitions never meet.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlerror.h>
#include <libxml/tree.h>
#include <libxml/globals.h>

// `xmlFree` is a global function pointer, which Swift 6 sees as shared
// mutable state; calling it through a function keeps Swift out of it.
static inline void fatura_xml_free(void *pointer) { xmlFree(pointer); }

#endif
