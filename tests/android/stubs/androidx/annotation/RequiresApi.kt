// Stub of androidx.annotation:annotation (not the platform): the one annotation the uniffi
// bindings generated with android = true import. The real one is a compileOnly dependency
// in android/app/build.gradle.kts.
package androidx.annotation

@Retention(AnnotationRetention.BINARY)
@Target(
    AnnotationTarget.CLASS, AnnotationTarget.FUNCTION, AnnotationTarget.CONSTRUCTOR,
    AnnotationTarget.FIELD, AnnotationTarget.FILE, AnnotationTarget.PROPERTY_GETTER, AnnotationTarget.PROPERTY_SETTER,
)
annotation class RequiresApi(val value: Int = 1, val api: Int = 1)
