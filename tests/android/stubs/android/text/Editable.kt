// Stub of the platform API (no Android SDK here). Signatures mirror core/api/current.txt;
// bodies throw like android.jar's. Only the members the app uses.
package android.text

interface Editable : CharSequence // API 1 (also Appendable, GetChars, Spannable: not used)
