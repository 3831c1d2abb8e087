#ifndef RETORT_CLIBXML2_SHIM_H
#define RETORT_CLIBXML2_SHIM_H

/* libxml2's headers pull in the system ICU when it was built with ICU; those clash with
 * the ICU copy inside Foundation. Retort never touches the encoding handler structs that
 * the flag changes, so the headers are read without it. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlIO.h>

/* Swift 6 cannot call libxml2's global-variable macros; these wrappers can. */
static inline void retort_xml_free(void *p) { xmlFree(p); }

/* Refuses every external entity, DTD or included file: Retort reads files itself. */
static inline xmlParserInputPtr retort_deny_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt) {
    (void)url; (void)id; (void)ctxt;
    return NULL;
}
static inline void retort_install_deny_loader(void) {
    xmlSetExternalEntityLoader(retort_deny_loader);
}
#endif
